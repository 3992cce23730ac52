/* "增加一行" for Django formsets, without inline scripts (CSP-friendly).
   Markup: <div data-formset="people"> … rows … <template data-empty>…__prefix__…</template>
   <button type="button" data-add-row>增加一行</button></div> */
(function () {
  "use strict";
  function addRow(container) {
    var prefix = container.getAttribute("data-formset");
    var total = document.getElementById("id_" + prefix + "-TOTAL_FORMS");
    var template = container.querySelector("template[data-empty]");
    if (!total || !template) { return; }
    var index = parseInt(total.value, 10);
    var html = template.innerHTML.replace(/__prefix__/g, String(index));
    var wrapper = document.createElement("div");
    wrapper.className = "formset-row";
    wrapper.innerHTML = html;
    template.parentNode.insertBefore(wrapper, template);
    total.value = String(index + 1);
    var first = wrapper.querySelector("input, select, textarea");
    if (first) { first.focus(); }
  }
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-add-row]");
    if (!button) { return; }
    event.preventDefault();
    addRow(button.closest("[data-formset]"));
  });
})();
