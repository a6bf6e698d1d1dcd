import { scanEveryScreenTest } from "./accessibility-scan";

// Every screen at 390 px and at desktop width, in every run (.ci/run runs the whole suite).
scanEveryScreenTest("every screen at 390 px and at desktop width has no serious or critical accessibility violation");
