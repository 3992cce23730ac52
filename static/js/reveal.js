/* "显示" next to a masked ID number or phone: POSTs to the reveal endpoint (audited, rate-limited) and shows
   the full value in place. No inline script: the page's CSP allows only files from this site. */
(function () {
  "use strict";
  function csrfToken() {
    var meta = document.querySelector("meta[name='csrf-token']");
    return meta ? meta.getAttribute("content") : "";
  }
  document.addEventListener("click", function (event) {
    var button = event.target.closest("button.reveal[data-reveal-url]");
    if (!button) { return; }
    event.preventDefault();
    button.disabled = true;
    fetch(button.getAttribute("data-reveal-url"), {
      method: "POST",
      credentials: "same-origin",
      headers: { "X-CSRFToken": csrfToken(), "Accept": "application/json" }
    }).then(function (response) {
      return response.json().then(function (data) { return { ok: response.ok, data: data }; });
    }).then(function (result) {
      var holder = button.closest(".pii");
      var value = holder ? holder.querySelector(".pii-value") : null;
      if (result.ok && value) {
        value.textContent = result.data.value;
        button.remove();
      } else {
        button.disabled = false;
        button.textContent = (result.data && result.data.message) || "无法显示";
      }
    }).catch(function () {
      button.disabled = false;
      button.textContent = "网络错误，请重试";
    });
  });
})();
