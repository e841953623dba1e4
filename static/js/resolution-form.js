/* The resolution form: searchable multi-selects for the agencies (vendored Tom Select) and
   the referral target shown only for the referral kind. Both are enhancements: without
   JavaScript the native multi-select works, and CSS alone shows the referral target when
   «ارجاع» is chosen. No inline styles or scripts (the CSP forbids them).

   Keyboard: Tab reaches the search field; typing filters («جستجوی دستگاه…»); ArrowDown and
   ArrowUp move through the matches; Enter adds the highlighted agency; Backspace in an empty
   search removes the last one; Escape closes the list. */
(function () {
  "use strict";

  // Persian and Arabic spellings of the same letters, and the zero-width non-joiner, match.
  function fold(text) {
    return String(text || "")
      .toLowerCase()
      .replace(/ي/g, "ی")
      .replace(/ى/g, "ی")
      .replace(/ك/g, "ک")
      .replace(/ة/g, "ه")
      .replace(/[أإآ]/g, "ا")
      .replace(/\u200c/g, " ")
      .replace(/\s+/g, " ")
      .trim();
  }

  function enhance(select) {
    if (!window.TomSelect || select.tomselect) return;
    var noResults = select.getAttribute("data-no-results") || "";
    var removeLabel = select.getAttribute("data-remove-label") || "";
    new window.TomSelect(select, {
      plugins: { remove_button: { title: removeLabel, label: "×" } },
      placeholder: select.getAttribute("data-search-placeholder") || "",
      hidePlaceholder: false,
      maxOptions: null,
      closeAfterSelect: false,
      selectOnTab: false,
      // Every word typed must appear in the name, whatever Persian or Arabic letters.
      score: function (search) {
        var words = fold(search).split(" ").filter(Boolean);
        return function (item) {
          var name = fold(item.text);
          for (var i = 0; i < words.length; i++) {
            if (name.indexOf(words[i]) === -1) return 0;
          }
          return 1;
        };
      },
      render: {
        no_results: function (data, escape) {
          return '<div class="no-results">' + escape(noResults) + "</div>";
        }
      }
    });
    // Tom Select moves the label to its search field; the hidden native list keeps its name.
    var label = document.getElementById(select.id + "-ts-label");
    if (label) select.setAttribute("aria-labelledby", label.id);
  }

  function kindOnly(form) {
    var kind = form.querySelector('select[name="kind"]');
    if (!kind) return;
    kind.addEventListener("change", function () {
      var blocks = form.querySelectorAll("[data-kind-only]");
      for (var i = 0; i < blocks.length; i++) {
        var block = blocks[i];
        if (block.getAttribute("data-kind-only") === kind.value) continue;
        // Another kind: the target is no longer asked, and a stale one is not sent.
        block.classList.remove("kind-only-open");
        var fields = block.querySelectorAll("select, input");
        for (var j = 0; j < fields.length; j++) fields[j].value = "";
      }
    });
  }

  function start() {
    var selects = document.querySelectorAll("select[multiple][data-searchable]");
    for (var i = 0; i < selects.length; i++) enhance(selects[i]);
    var forms = document.querySelectorAll("form.resolution-form");
    for (var k = 0; k < forms.length; k++) kindOnly(forms[k]);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
