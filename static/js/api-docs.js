// Starts Swagger UI (static/vendor/swagger-ui/) on the API documentation page. A file of
// its own because the portal's Content-Security-Policy allows no inline script.
(function () {
  "use strict";
  function start() {
    var node = document.getElementById("swagger-ui");
    if (!node || typeof window.SwaggerUIBundle !== "function") {
      return;
    }
    window.SwaggerUIBundle({
      url: node.getAttribute("data-schema-url"),
      domNode: node,
      deepLinking: false,
      validatorUrl: null,
      tryItOutEnabled: false,
      supportedSubmitMethods: [],
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
