import type { Permission } from "@/lib/auth/permissions";

export type NavItem = { href: string; label: string; icon: string; permission?: Permission; section?: "admin" };

/** Every area of SCREENS.md. Areas a role may not use are not shown (and refused on the server). */
export const NAV_ITEMS: NavItem[] = [
  { href: "/", label: "Dashboard", icon: "M3 12l9-8 9 8M5 10v10h5v-6h4v6h5V10" },
  { href: "/devices", label: "Devices", icon: "M4 6h16M4 12h16M4 18h16" },
  { href: "/provisioning", label: "Provision device", icon: "M12 5v14M5 12h14", permission: "devices.provision" },
  { href: "/alerts", label: "Alerts", icon: "M12 4l9 16H3zM12 10v4M12 17v.5" },
  { href: "/groups", label: "Groups & tags", icon: "M4 5h7v7H4zM13 5h7v7h-7zM4 14h7v6H4zM13 14h7v6h-7z" },
  { href: "/farms", label: "Farm settings", icon: "M3 20h18M5 20V10l7-5 7 5v10M10 20v-5h4v5", permission: "config.manage" },
  { href: "/firmware", label: "Firmware", icon: "M6 4h12v16H6zM9 8h6M9 12h6M9 16h3" },
  { href: "/updates", label: "Updates", icon: "M12 4v10M8 10l4 4 4-4M5 19h14" },
  { href: "/diagnostics", label: "Diagnostics & commands", icon: "M4 12h4l2-5 4 10 2-5h4" },
  { href: "/maintenance", label: "Maintenance", icon: "M14 6l4 4-8 8H6v-4zM13 7l4 4" },
  { href: "/inventory", label: "Warranty & inventory", icon: "M4 7l8-4 8 4v10l-8 4-8-4zM4 7l8 4 8-4M12 11v10" },
  { href: "/notifications/settings", label: "Notification settings", icon: "M6 8a6 6 0 1112 0c0 7 3 9 3 9H3s3-2 3-9M10.3 21a1.94 1.94 0 003.4 0", permission: "notifications.manage" },
  { href: "/notifications/deliveries", label: "Delivery log", icon: "M4 6h16v12H4zM4 7l8 6 8-6", permission: "notifications.manage" },
  { href: "/costs", label: "Costs", icon: "M12 3v18M16 7H10a3 3 0 000 6h4a3 3 0 010 6H7", permission: "costs.read" },
  { href: "/import", label: "Bulk import", icon: "M12 16V4M8 8l4-4 4 4M5 20h14", permission: "devices.import", section: "admin" },
  { href: "/admin/users", label: "Users", icon: "M12 12a4 4 0 100-8 4 4 0 000 8zM4 20a8 8 0 0116 0", permission: "users.manage", section: "admin" },
  { href: "/admin/api-keys", label: "API keys", icon: "M15 7a4 4 0 11-3.9 5H4v3h3v3h3v-3h1.1A4 4 0 0115 7z", permission: "apikeys.manage", section: "admin" },
  { href: "/admin/audit", label: "Audit log", icon: "M9 4h6l1 2h3v14H5V6h3zM9 11h6M9 15h4", permission: "audit.browse", section: "admin" },
  { href: "/admin/outbox", label: "Outbox", icon: "M3 7l9 6 9-6M3 7v10h18V7M3 7h18", permission: "outbox.read", section: "admin" },
];

/**
 * The message key (messages/*.json, "nav" namespace) of each item's label. An item not listed here
 * shows its English `label` until someone adds its key: a new screen never renders blank.
 */
export const NAV_LABEL_KEY: Record<string, string> = {
  "/": "dashboard",
  "/devices": "devices",
  "/provisioning": "provisioning",
  "/alerts": "alerts",
  "/groups": "groups",
  "/farms": "farms",
  "/firmware": "firmware",
  "/updates": "updates",
  "/diagnostics": "diagnostics",
  "/maintenance": "maintenance",
  "/inventory": "inventory",
  "/costs": "costs",
  "/import": "import",
  "/admin/users": "users",
  "/admin/api-keys": "apiKeys",
};
