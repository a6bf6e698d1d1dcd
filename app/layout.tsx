import type { Metadata, Viewport } from "next";
import type { ReactNode } from "react";
import "./globals.css";

export const metadata: Metadata = {
  title: { default: "Smart Dairy Device Manager", template: "%s · Smart Dairy" },
  description: "Registry, provisioning, firmware updates and health of a dairy farm's IoT devices",
};

export const viewport: Viewport = { width: "device-width", initialScale: 1, themeColor: "#17613a" };

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body className="min-h-screen font-sans">{children}</body>
    </html>
  );
}
