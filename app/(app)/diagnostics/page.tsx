import type { Metadata } from "next";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { requirePageActor } from "@/lib/auth/session";
import { getDb } from "@/lib/db";

export const metadata: Metadata = { title: "Diagnostics & commands" };
export const dynamic = "force-dynamic";

export default async function DiagnosticsPage() {
  await requirePageActor("devices.read");
  const commands = await getDb().command.count();
  return (
    <>
      <PageHeader title="Diagnostics & commands" description="Run diagnostics, restart devices and send per-type commands; see their responses." />
      <EmptyState title={commands === 0 ? "No commands sent yet" : `${commands} commands`} notBuilt>
        Sending commands (ping, restart, get_status and the per-type commands of I-013 §7) with their history and timeouts arrives with the diagnostics work. Simulated devices already answer ping, restart and get_status over MQTT.
      </EmptyState>
    </>
  );
}
