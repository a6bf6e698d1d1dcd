import type { Metadata } from "next";
import { FarmForm } from "@/components/farms/farm-form";
import { Card } from "@/components/ui/card";
import { PageHeader } from "@/components/ui/page-header";
import { requirePageActor } from "@/lib/auth/session";
import { TIME_ZONES } from "@/lib/farms/farm-schemas";

export const metadata: Metadata = { title: "New farm" };
export const dynamic = "force-dynamic";

export default async function NewFarmPage() {
  await requirePageActor("farms.manage");
  return (
    <>
      <PageHeader title="New farm" description="Its name, code, place and clock, and how its alerts notify people. Its currency and unit prices come next." />
      <Card className="max-w-3xl">
        <FarmForm values={{ name: "", code: "", address: "", latitude: null, longitude: null, timezone: "UTC", escalationIntervalMinutes: 15, debounceMinutes: 5, digestHour: 7 }} timeZones={TIME_ZONES} />
      </Card>
    </>
  );
}
