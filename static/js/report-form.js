// «گزارش انجام» sets the percentage to 100 as soon as it is ticked (the server does the same
// on submission, so the report is never refused for it). No inline script: CSP forbids it.
document.addEventListener("change", (event) => {
  const box = event.target;
  if (!(box instanceof HTMLInputElement) || !box.dataset.setsPercent || !box.checked) return;
  const percent = box.form && box.form.elements.namedItem("percent");
  if (percent instanceof HTMLInputElement) percent.value = box.dataset.setsPercent;
});
