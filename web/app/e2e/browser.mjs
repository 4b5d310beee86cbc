// Headless Chromium as every end-to-end check launches it: Debian's chromium ($CHROMIUM or
// /usr/bin/chromium), no sandbox, no background traffic, and software WebGL (SwiftShader) so
// that MapLibre renders without a GPU.
import { chromium } from 'playwright-core';

export function launchChromium() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: [
      '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
      '--use-gl=angle', '--use-angle=swiftshader', '--enable-unsafe-swiftshader',
    ],
  });
}
