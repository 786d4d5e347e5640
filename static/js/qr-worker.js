// Decodes camera frames off the main thread with jsQR (where the browser has no BarcodeDetector for QR codes).
importScripts("../vendor/jsQR.js");

self.onmessage = function (event) {
  var frame = event.data;
  var code = self.jsQR(new Uint8ClampedArray(frame.data), frame.width, frame.height, { inversionAttempts: "dontInvert" });
  self.postMessage({ text: code ? code.data : null });
};
