// A <select data-autosubmit> submits its form when it changes (no inline handler: the pages' CSP allows none).
document.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
  select.addEventListener("change", function () { select.form.submit(); });
});
