/**
 * Every ergonomics measure, in the order printed. Add yours by appending it (one import, one entry).
 */
import { devicesAboveTheFold, devicesListPaint } from "./devices-list";
import type { ErgonomicsMeasure } from "./measure";
import { accessibilityScan, phoneDevicePage } from "./screens-and-phone";

export const ERGONOMICS_MEASURES: ErgonomicsMeasure[] = [devicesAboveTheFold, devicesListPaint, phoneDevicePage, accessibilityScan];
