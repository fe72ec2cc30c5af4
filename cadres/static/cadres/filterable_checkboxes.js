// Hide the checkboxes whose label does not contain what is typed in the filter box above them.
(function () {
    "use strict";
    function setUp(box) {
        var filter = box.querySelector("[data-filter]");
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
