// Reflection notes live in this browser's localStorage only: the textareas have no
// name and no form, so nothing typed here ever reaches the server.
(function () {
  "use strict";

  function storage() {
    try {
      var probe = "__reflection_probe__";
      window.localStorage.setItem(probe, probe);
      window.localStorage.removeItem(probe);
      return window.localStorage;
    } catch (error) {
      return null; // private mode or storage switched off: notes last until the page closes
    }
  }

  function enhance(store, area) {
    var key = area.getAttribute("data-notes-key");
    var saved = store.getItem(key);
    if (saved !== null) {
      area.value = saved;
    }
    area.addEventListener("input", function () {
      if (area.value) {
        store.setItem(key, area.value);
      } else {
        store.removeItem(key);
      }
    });

    var clear = document.createElement("button");
    clear.type = "button";
    clear.className = "button-secondary";
    clear.textContent = area.getAttribute("data-clear-label");
    clear.addEventListener("click", function () {
      store.removeItem(key);
      area.value = "";
      area.focus();
    });
    area.insertAdjacentElement("afterend", clear);
  }

  document.addEventListener("DOMContentLoaded", function () {
    var store = storage();
    if (!store) {
      return;
    }
    document.querySelectorAll("textarea[data-notes-key]").forEach(function (area) {
      enhance(store, area);
    });
  });
})();
