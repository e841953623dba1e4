/* The Jalali date picker (vendored @majidh1/jalalidatepicker) on every input[data-jdp].
   Typing keeps working: the input stays editable (autoReadOnlyInput: false) and the server
   parses any digits with "/" or "-" (egov_portal.jalali.parse_jalali_date). The picker only
   reads Latin digits with "/", so just before it opens the typed value is rewritten in
   that form; a chosen date is written back in Persian digits. No inline styles or scripts:
   the picker positions itself through the CSSOM, which the CSP allows.

   Keyboard (the vendored picker has none beyond Escape): while the picker is open for the
   focused field, the arrow keys move a highlighted day — the calendar runs right to left
   (in both interfaces), so ArrowLeft is the next day and ArrowRight the previous one, as
   the eye reads it; ArrowDown/ArrowUp move a week —, PageDown/PageUp the next/previous
   month (with Shift, year), Enter picks the highlighted day, Escape closes the picker and
   leaves the focus in the field (the vendor's own Escape would blur it), and Alt+ArrowDown
   opens it again. It closes when the focus moves anywhere else, and it is placed below the
   field or above it, never over it. */
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

  // Writes ``text`` (the same date in other digits) into the field. Setting a value drops
  // the selection, and Chromium selects the whole field when Tab reaches it: the selection
  // is kept, so that typing replaces the date rather than being added to its end.
  function rewrite(input, text) {
    if (text === input.value) return;
    var whole = input.selectionStart === 0 && input.selectionEnd === input.value.length;
    var from = input.selectionStart;
    var to = input.selectionEnd;
    input.value = text;
    if (document.activeElement !== input || from === null || to === null) return;
    if (whole) {
      input.setSelectionRange(0, text.length);
    } else {
      input.setSelectionRange(Math.min(from, text.length), Math.min(to, text.length));
    }
  }

  function start() {
    if (!window.jalaliDatepicker) return;
    var english = (document.documentElement.lang || "").toLowerCase().indexOf("en") === 0;
    // Runs in the capture phase, before the picker's own focus handler reads the value.
    document.addEventListener(
      "focusin",
      function (event) {
        var input = event.target;
        if (!input || !input.matches || !input.matches("input[data-jdp]") || !input.value) return;
        rewrite(input, latin(input.value));
      },
      true
    );
    // The picker writes the chosen date in Latin digits and then fires "change"; in the
    // Persian interface the field shows it in Persian digits, as typed dates may be.
    if (!english) {
      document.addEventListener("change", function (event) {
        var input = event.target;
        if (input && input.matches && input.matches("input[data-jdp]") && input.value) {
          rewrite(input, persian(input.value));
        }
      });
    }
    keyboard(english);
    window.jalaliDatepicker.startWatch({
      autoReadOnlyInput: false,
      persianDigits: !english,
      showTodayBtn: true,
      showEmptyBtn: true,
      changeMonthRotateYear: true,
      zIndex: 1060
    });
  }

  // --- keyboard, focus and placement --------------------------------------------------------

  function keyboard(english) {
    var state = { input: null, day: null, pointer: false, quiet: false };
    var live = null;

    function picker() {
      return document.querySelector("jdp-container");
    }
    function isOpen() {
      var box = picker();
      return !!box && box.style.visibility === "visible" && box.style.display !== "none";
    }
    function same(cell, day) {
      return !!day && cell.year === day.year && cell.month === day.month && cell.day === day.day;
    }
    // The days of the month shown (the vendor gives each cell .year, .month and .day).
    function monthCells() {
      var box = picker();
      if (!box) return [];
      return Array.prototype.filter.call(box.querySelectorAll(".jdp-day"), function (cell) {
        return !cell.classList.contains("not-in-month") && cell.day;
      });
    }
    function highlighted() {
      var box = picker();
      return box ? box.querySelector(".jdp-day.jdp-day-focus") : null;
    }
    function announce(cell) {
      if (!live) {
        live = document.createElement("div");
        live.className = "visually-hidden";
        live.setAttribute("aria-live", "polite");
        live.setAttribute("data-testid", "datepicker-live");
        document.body.appendChild(live);
      }
      var box = picker();
      var shown = function (name) {
        var node = box.querySelector(".jdp-" + name + " select option:checked") ||
          box.querySelector(".jdp-" + name + " input") || box.querySelector(".jdp-" + name);
        if (!node) return "";
        return (node.tagName === "INPUT" ? node.value : node.textContent || "").trim();
      };
      live.textContent = [cell.textContent.trim(), shown("month"), shown("year")].join(" ");
    }
    // Put the highlight on state.day if it is shown, else on the chosen day, today or the 1st.
    function paint() {
      var cells = monthCells();
      if (!cells.length) return;
      var old = highlighted();
      var target = null;
      for (var i = 0; i < cells.length; i++) if (same(cells[i], state.day)) target = cells[i];
      if (!target) {
        target = picker().querySelector(".jdp-day.selected:not(.not-in-month)") ||
          picker().querySelector(".jdp-day.today:not(.not-in-month)") || cells[0];
      }
      if (old && old !== target) old.classList.remove("jdp-day-focus");
      target.classList.add("jdp-day-focus");
      state.day = { year: target.year, month: target.month, day: target.day };
      if (old !== target) announce(target);
    }
    function step(selector) {
      var button = picker().querySelector(selector);
      if (button && !button.classList.contains("not-in-range")) {
        button.click(); // the vendor redraws synchronously
        return true;
      }
      return false;
    }
    function moveDays(by) {
      var cells = monthCells();
      var index = -1;
      for (var i = 0; i < cells.length; i++) if (same(cells[i], state.day)) index = i;
      if (index < 0) return paint();
      var next = index + by;
      if (next >= 0 && next < cells.length) {
        state.day = { year: cells[next].year, month: cells[next].month, day: cells[next].day };
      } else if (next >= cells.length) {
        if (!step(".jdp-months .jdp-icon-plus")) return;
        var after = monthCells();
        var cell = after[Math.min(next - cells.length, after.length - 1)];
        state.day = { year: cell.year, month: cell.month, day: cell.day };
      } else {
        if (!step(".jdp-months .jdp-icon-minus")) return;
        var before = monthCells();
        var back = before[Math.max(before.length + next, 0)];
        state.day = { year: back.year, month: back.month, day: back.day };
      }
      paint();
    }
    function moveMonth(selector) {
      var dayNumber = state.day ? state.day.day : 1;
      if (!step(selector)) return;
      var cells = monthCells();
      var cell = cells[Math.min(dayNumber, cells.length) - 1];
      state.day = { year: cell.year, month: cell.month, day: cell.day };
      paint();
    }
    function refocus() {
      if (state.input && document.activeElement !== state.input) {
        state.quiet = true; // focusing the field again must not reopen (redraw) the picker
        state.input.focus();
        state.quiet = false;
      }
    }
    function close(backToField) {
      window.jalaliDatepicker.hide();
      // The value was rewritten in Latin digits for the picker: shown in Persian again.
      if (state.input && state.input.value && !english) {
        rewrite(state.input, persian(state.input.value));
      }
      if (backToField) refocus();
    }
    // Below the field, or above it when there is no room below; never over it. On phones the
    // vendor's CSS pins the picker to the bottom of the screen: the page scrolls instead.
    function keepClear() {
      var box = picker();
      if (!isOpen() || !state.input) return;
      var field = state.input.getBoundingClientRect();
      var place = box.getBoundingClientRect();
      var overlaps = function (p) {
        return p.bottom > field.top && p.top < field.bottom &&
          p.right > field.left && p.left < field.right;
      };
      if (!overlaps(place)) return;
      var gap = 4;
      var below = field.bottom + gap;
      var above = field.top - gap - place.height;
      var top = window.innerHeight - below >= place.height || above < 0 ? below : above;
      box.style.top = top + "px";
      place = box.getBoundingClientRect();
      if (overlaps(place)) window.scrollBy(0, field.bottom - place.top + gap);
    }
    function later(fn) {
      window.requestAnimationFrame(function () { window.requestAnimationFrame(fn); });
    }

    document.addEventListener("focusin", function (event) {
      var target = event.target;
      var box = picker();
      if (state.quiet) {
        event.stopPropagation(); // the vendor's focusin on <body> would reopen the picker
        return;
      }
      if (target && target.matches && target.matches("input[data-jdp]")) {
        if (state.input !== target) state.day = null;
        state.input = target;
        later(function () { observe(); paint(); keepClear(); });
      } else if (isOpen() && !(box && box.contains(target))) {
        close(false); // the focus went elsewhere
      }
    }, true);

    document.addEventListener("focusout", function (event) {
      if (event.target !== state.input) return;
      // To nothing (the page itself): close, unless the pointer is on the picker.
      window.setTimeout(function () {
        var box = picker();
        var active = document.activeElement;
        if (state.pointer || !isOpen()) return;
        if (active === state.input || (box && box.contains(active))) return;
        close(false);
      }, 0);
    });

    document.addEventListener("mousedown", function (event) {
      var box = picker();
      state.pointer = !!(box && box.contains(event.target));
    }, true);
    document.addEventListener("mouseup", function () {
      window.setTimeout(function () {
        if (state.pointer && isOpen() && state.input) {
          var active = document.activeElement;
          var box = picker();
          // A click on a day or an arrow of the picker gives the focus back to the field,
          // so that the keyboard keeps working; its month and year lists keep it.
          if (!(box && box.contains(active) && active.tagName === "SELECT")) refocus();
        }
        state.pointer = false;
      }, 0);
    }, true);

    document.addEventListener("keydown", function (event) {
      var input = state.input;
      var box = picker();
      var inPicker = box && box.contains(event.target);
      if (!input || (event.target !== input && !inPicker)) return;
      if (!isOpen()) {
        if (event.key === "ArrowDown" && event.altKey && event.target === input) {
          event.preventDefault();
          if (input.value) rewrite(input, latin(input.value)); // as on focus: the picker reads Latin
          window.jalaliDatepicker.show(input); // draws at once
          observe();
          paint();
          later(keepClear);
        }
        return;
      }
      if (event.key === "Escape") {
        event.preventDefault();
        event.stopPropagation(); // the vendor's handler would blur the field
        close(true);
        return;
      }
      if (inPicker) return; // its month and year lists keep their own keys
      var moves = { ArrowLeft: 1, ArrowRight: -1, ArrowDown: 7, ArrowUp: -7 };
      if (moves[event.key] && !event.altKey && !event.ctrlKey && !event.metaKey) {
        event.preventDefault();
        moveDays(moves[event.key]);
      } else if (event.key === "PageDown" || event.key === "PageUp") {
        event.preventDefault();
        var group = event.shiftKey ? ".jdp-years" : ".jdp-months";
        moveMonth(group + (event.key === "PageDown" ? " .jdp-icon-plus" : " .jdp-icon-minus"));
      } else if (event.key === "Enter") {
        event.preventDefault(); // picks the day; does not send the form
        var cell = highlighted();
        if (cell && !cell.classList.contains("disabled-day")) cell.click();
      }
    }, true);

    // The vendor redraws the days on every change of month or year: keep the highlight.
    var observer = new MutationObserver(function () {
      if (isOpen()) paint();
    });
    var observed = null;
    function observe() {
      var box = picker(); // created by the vendor when it first opens
      if (box && box !== observed) {
        observer.observe(box, { childList: true, subtree: true });
        observed = box;
      }
    }
    window.addEventListener("scroll", function () { later(keepClear); }, { passive: true });
    window.addEventListener("resize", function () { later(keepClear); });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
