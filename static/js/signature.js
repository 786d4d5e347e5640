// Signature pads: each [data-signature] block draws on its canvas and keeps a PNG data URL in its hidden field.
const blocks = document.querySelectorAll("[data-signature]");
for (const block of blocks) {
  const canvas = block.querySelector("canvas");
  const field = block.querySelector("input[name=signature]");
  const ratio = Math.max(window.devicePixelRatio || 1, 1);
  const width = canvas.offsetWidth || 300;
  canvas.width = width * ratio;
  canvas.height = (width / 3) * ratio;
  canvas.getContext("2d").scale(ratio, ratio);
  const pad = new window.SignaturePad(canvas, { minWidth: 1, maxWidth: 2.5, penColor: "#111827" });
  if (field.value) pad.fromDataURL(field.value, { ratio: 1, width, height: width / 3 }).catch(() => { field.value = ""; });
  pad.addEventListener("endStroke", () => { field.value = pad.isEmpty() ? "" : pad.toDataURL("image/png"); });
  block.querySelector("[data-signature-clear]").addEventListener("click", () => { pad.clear(); field.value = ""; });
}
