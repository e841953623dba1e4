/* The Jalali date picker (vendored @majidh1/jalalidatepicker) on every input[data-jdp].
   Typing keeps working: the input stays editable (autoReadOnlyInput: false) and the server
   parses any digits with "/" or "-" (egov_portal.jalali.parse_jalali_date). The picker only
   reads Latin digits with "/", so just before it opens the typed value is rewritten in
   that form; a chosen date is written back in Persian digits. No inline styles or scripts:
   the picker positions itself through the CSSOM, which the CSP allows. */
(function () {
  "use strict";

  var PERSIAN = "۰۱۲۳۴۵۶۷۸۹";
  var ARABIC = "٠١٢٣٤٥٦٧٨٩";

  function latin(text) {
    return String(text)
      .replace(/[۰-۹]/g, function (d) { return String(PERSIAN.indexOf(d)); })
      .replace(/[٠-٩]/g, function (d) { return String(ARABIC.indexOf(d)); })
      .replace(/-/g, "/")
      .trim();
  }

  function persian(text) {
    return String(text).replace(/[0-9]/g, function (d) { return PERSIAN.charAt(Number(d)); });
  }

  function start() {
    if (!window.jalaliDatepicker) return;
    var english = (document.documentElement.lang || "").toLowerCase().indexOf("en") === 0;
    // Runs in the capture phase, before the picker's own focus handler reads the value.
    document.addEventListener(
      "focusin",
      function (event) {
        var input = event.target;
        if (input && input.matches && input.matches("input[data-jdp]") && input.value) {
          input.value = latin(input.value);
        }
      },
      true
    );
    // The picker writes the chosen date in Latin digits and then fires "change"; in the
    // Persian interface the field shows it in Persian digits, as typed dates may be.
    if (!english) {
      document.addEventListener("change", function (event) {
        var input = event.target;
        if (input && input.matches && input.matches("input[data-jdp]") && input.value) {
          input.value = persian(input.value);
        }
      });
    }
    window.jalaliDatepicker.startWatch({
      autoReadOnlyInput: false,
      persianDigits: !english,
      showTodayBtn: true,
      showEmptyBtn: true,
      zIndex: 1060
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
