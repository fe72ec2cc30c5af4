// Hide the checkboxes whose label does not contain what is typed in the filter box above them.
(function () {
    "use strict";
    function setUp(box) {
        var filter = box.querySelector("[data-filter]");
        // Rows a finger can hit: each option on its own line, at least 44 px high.
        box.querySelectorAll("input[type=checkbox]").forEach(function (input) {
            var label = input.closest("label");
            if (label) { label.style.display = "flex"; label.style.alignItems = "center"; label.style.gap = "0.5rem"; label.style.minHeight = "44px"; }
        });
        filter.addEventListener("input", function () {
            var text = filter.value.trim().toLowerCase();
            box.querySelectorAll("input[type=checkbox]").forEach(function (input) {
                var row = input.closest("div");
                var label = (input.closest("label") || row).textContent.toLowerCase();
                row.hidden = text !== "" && label.indexOf(text) === -1 && !input.checked;
            });
        });
    }
    document.addEventListener("DOMContentLoaded", function () {
        document.querySelectorAll("[data-filterable-checkboxes]").forEach(setUp);
    });
})();
