// The inspection form lists the chosen work team's members only. When the team chooser changes,
// fetch that team's members and rebuild the checkboxes (ticks for people still listed are kept).
(function () {
    "use strict";

    function setUp(box) {
        var form = box.closest("form");
        var team = form && form.querySelector("input[name=team]");
        if (!team) { return; }
        var name = box.dataset.fieldName;
        var baseId = box.dataset.fieldId || ("id_" + name);

        function render(members) {
            var ticked = {};
            box.querySelectorAll("input[type=checkbox]:checked").forEach(function (input) { ticked[input.value] = true; });
            var old = box.querySelector("#" + CSS.escape(baseId));
            if (old) { old.remove(); }
            var list = document.createElement("div");
            list.id = baseId;
            members.forEach(function (member, index) {
                var row = document.createElement("div");
                var label = document.createElement("label");
                var input = document.createElement("input");
                input.type = "checkbox";
                input.name = name;
                input.value = member.id;
                input.id = baseId + "_" + index;
                input.checked = !!ticked[member.id];
                label.htmlFor = input.id;
                label.appendChild(input);
                label.appendChild(document.createTextNode(" " + member.label));
                row.appendChild(label);
                list.appendChild(row);
            });
            box.appendChild(list);
            box.querySelector("[data-team-members-empty]").hidden = members.length > 0;
        }

        function refresh() {
            if (!team.value) { render([]); return; }
            var url = box.dataset.membersUrl.replace("{team}", encodeURIComponent(team.value));
            fetch(url, {credentials: "same-origin", headers: {"Accept": "application/json"}})
                .then(function (response) { return response.ok ? response.json() : {members: []}; })
                .then(function (data) { render(data.members); });
        }

        team.addEventListener("change", refresh);
    }

    document.addEventListener("DOMContentLoaded", function () {
        document.querySelectorAll("[data-team-members]").forEach(setUp);
    });
})();
