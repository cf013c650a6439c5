// A row added with "Add another" takes the position after the form's last
// one, so it is numbered after the rows above it rather than at 0.
"use strict";
document.addEventListener("formset:added", (event) => {
    const row = event.target;
    const input = row.querySelector("input[name$='-position']");
    if (!input) {
        return;
    }
    const prefix = event.detail.formsetName;
    const others = document.querySelectorAll(
        `#${prefix}-group input[name^='${prefix}-'][name$='-position']`
    );
    const positions = Array.from(others)
        .filter((other) => other !== input && !other.name.includes("__prefix__"))
        .map((other) => Number.parseInt(other.value, 10))
        .filter(Number.isFinite);
    input.value = Math.max(0, ...positions) + 1;
});
