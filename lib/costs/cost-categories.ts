/** The cost categories, their names on screen and in charts (no server code: pages and charts share it). */
export const COST_CATEGORIES = ["data", "power", "batteries", "maintenance", "amortisation", "warranty", "covered"] as const;
export type CostCategory = (typeof COST_CATEGORIES)[number];

export const CATEGORY_LABEL: Record<CostCategory, string> = {
  data: "Data",
  power: "Power",
  batteries: "Batteries",
  maintenance: "Maintenance",
  amortisation: "Amortisation",
  warranty: "Warranty extensions",
  covered: "Covered by claims",
};

/** What each figure is, in one line, for the cards and the README. */
export const CATEGORY_HINT: Record<CostCategory, string> = {
  data: "MB sent × price per MB",
  power: "Mains/PoE: typical watts × hours × price per kWh",
  batteries: "Battery replacements done",
  maintenance: "Work done (visit price when no cost recorded)",
  amortisation: "Unit cost ÷ depreciation months",
  warranty: "Extensions bought",
  covered: "Claims closed, cost covered",
};

export const CATEGORY_COLOR: Record<CostCategory, string> = {
  data: "#0284c7",
  power: "#ca8a04",
  batteries: "#65a30d",
  maintenance: "#ea580c",
  amortisation: "#7c3aed",
  warranty: "#db2777",
  covered: "#57534e",
};

/** The parts of the forecast (warranty and claims are not forecast). */
export const FORECAST_PARTS = ["amortisation", "power", "maintenance", "batteries", "data"] as const;
export type ForecastPart = (typeof FORECAST_PARTS)[number];
