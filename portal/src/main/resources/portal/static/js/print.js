// The receipt's "Print or save" button: the browser's print dialog, where "Save as PDF" keeps it as a file.
document.addEventListener('click', function (event) {
  if (event.target.closest('[data-print]')) {
    window.print();
  }
});
