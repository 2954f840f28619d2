// extractor review app: turn a selection in the abstract into the new claim's evidence offsets.
// Offsets count code points, as Python slices the stored abstract; the app cuts the evidence out itself.
"use strict";
(function () {
  const abstract = document.getElementById("abstract");
  const form = document.getElementById("add-claim");
  if (!abstract || !form) return;
  const note = document.getElementById("selection");

  function offset(node, within) {
    // code points of the abstract's text before (node, within)
    const range = document.createRange();
    range.setStart(abstract, 0);
    range.setEnd(node, within);
    return Array.from(range.toString()).length;
  }

  document.addEventListener("selectionchange", function () {
    const sel = window.getSelection();
    if (!sel || sel.rangeCount === 0 || sel.isCollapsed) return;
    const range = sel.getRangeAt(0);
    if (!abstract.contains(range.startContainer) || !abstract.contains(range.endContainer)) return;
    const start = offset(range.startContainer, range.startOffset);
    const end = offset(range.endContainer, range.endOffset);
    form.elements.evidence_start.value = start;
    form.elements.evidence_end.value = end;
    note.textContent = "Evidence: \u201c" + Array.from(abstract.textContent).slice(start, end).join("") + "\u201d (" + start + "\u2013" + end + ")";
  });
})();
