// "Copy" buttons (the photo page's credit line, a lightbox's private link): shown only
// when the browser can copy (the text stays readable and selectable without JavaScript).
document.querySelectorAll("button[data-copy-target]").forEach((button) => {
  if (!navigator.clipboard) return;
  const source = document.getElementById(button.dataset.copyTarget);
  const status = button.parentElement.querySelector(".copy-status");
  button.hidden = false;
  button.addEventListener("click", async () => {
    await navigator.clipboard.writeText((source.value ?? source.textContent).trim());
    if (status) status.textContent = button.dataset.copied;
  });
});
