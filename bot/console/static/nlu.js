// 家门口 console, trainer pages: mark an entity by selecting text in the example
// ([文字](实体), Rasa's syntax), and keep only one intent choice (a suggestion or "其他").
(function () {
  "use strict";
  var text = document.querySelector("[data-entity-text]");
  var kind = document.querySelector("[data-entity-kind]");
  var button = document.querySelector("[data-mark-entity]");
  if (text && kind && button) {
    button.addEventListener("click", function () {
      var start = text.selectionStart, end = text.selectionEnd;
      var picked = text.value.slice(start, end);
      if (!picked || /[\[\]()]/.test(picked)) { return; }
      text.value = text.value.slice(0, start) + "[" + picked + "](" + kind.value + ")" + text.value.slice(end);
      text.focus();
    });
  }
  var other = document.querySelector("[data-other-intent]");
  if (other) {
    other.addEventListener("change", function () {
      if (other.value) {
        document.querySelectorAll('input[type=radio][name=intent]').forEach(function (r) { r.checked = false; });
      }
    });
    document.querySelectorAll('input[type=radio][name=intent]').forEach(function (r) {
      r.addEventListener("change", function () { other.value = ""; });
    });
  }
})();
