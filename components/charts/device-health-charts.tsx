import { getDb } from "@/lib/db";
import { chartReferenceLines, deviceHealthHistory } from "@/lib/health/health-history";
import { deviceHealthThresholds } from "@/lib/health/threshold-book";
import { DeviceHealthChartPanel } from "./device-health-chart-panel";

/** The device page's health history: the last 24 h rendered with the page, longer ranges on demand. */
export async function DeviceHealthCharts({ device }: { device: { id: number; deviceId: string; lowBatteryThreshold: number; farm: { timezone: string } } }) {
  const [initial, limits] = await Promise.all([deviceHealthHistory(getDb(), device.id, "24h"), deviceHealthThresholds(getDb(), device.id)]);
  return <DeviceHealthChartPanel deviceId={device.deviceId} initial={initial} thresholds={chartReferenceLines(device.lowBatteryThreshold, limits)} timeZone={device.farm.timezone} />;
}
