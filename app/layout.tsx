import type { Metadata, Viewport } from "next";
import { connection } from "next/server";
import { NextIntlClientProvider } from "next-intl";
import { getLocale } from "next-intl/server";
import type { ReactNode } from "react";
import "./globals.css";

export const metadata: Metadata = {
  title: { default: "Smart Dairy Device Manager", template: "%s · Smart Dairy" },
  description: "Registry, provisioning, firmware updates and health of a dairy farm's IoT devices",
};

export const viewport: Viewport = { width: "device-width", initialScale: 1, themeColor: "#17613a" };

export default async function RootLayout({ children }: { children: ReactNode }) {
  // Every page renders per request, the 404 page too: Next.js puts proxy.ts's per-request CSP nonce
  // on its scripts only then; a page prerendered at build time would carry none and be blocked.
  await connection();
  const locale = await getLocale();
  return (
    <html lang={locale}>
      <body className="min-h-screen font-sans">
        {/* Messages, language and the person's zone reach the client components from here. */}
        <NextIntlClientProvider>{children}</NextIntlClientProvider>
      </body>
    </html>
  );
}
