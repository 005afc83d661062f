// Vocabulary review: Space or Enter shows the answer, 1-4 rate it. Without this script
// the page works as plain links and forms ("Show answer" loads ?show=1).
(function () {
  "use strict";

  var flip = document.querySelector("[data-review-flip]");
  var back = document.querySelector("[data-review-back]");
  var rating = document.querySelector("[data-review-rating]");
  if (!back || !rating) {
    return;
  }
  var sent = false;

  function shown() {
    return !rating.hidden;
  }

  function show() {
    back.hidden = false;
    rating.hidden = false;
    if (flip) {
      flip.parentNode.hidden = true;
    }
    // Focus the answer, not a rating button: a second Space must not rate the card.
    back.focus();
  }

  function rate(value) {
    var button = rating.querySelector('button[name="rating"][value="' + value + '"]');
    if (button && !sent) {
      sent = true;
      rating.requestSubmit ? rating.requestSubmit(button) : button.click();
    }
  }

  rating.addEventListener("submit", function (event) {
    // One rating per card: a second press or click while the first is on its way is
    // dropped here (and the server records a repeated request id only once anyway).
    if (rating.getAttribute("data-sent")) {
      event.preventDefault();
    }
    rating.setAttribute("data-sent", "1");
    sent = true;
  });

  if (flip) {
    flip.addEventListener("click", function (event) {
      event.preventDefault();
      show();
    });
    if (!shown()) {
      flip.focus();
    }
  }

  // "Listen": plays the spoken term in the page (without this script the link opens the
  // MP3). Where the server has no speech (espeak-ng missing: HTTP 503) the buttons go
  // away and a status line says so.
  var audioStatus = document.querySelector("[data-review-audio-status]");
  var listens = document.querySelectorAll("[data-review-audio]");
  function audioUnavailable() {
    for (var i = 0; i < listens.length; i++) {
      listens[i].parentNode.hidden = true;
    }
    if (audioStatus) {
      audioStatus.textContent = back.getAttribute("data-audio-unavailable") || "";
    }
  }
  Array.prototype.forEach.call(listens, function (link) {
    var sound = null;
    link.addEventListener("click", function (event) {
      event.preventDefault();
      if (!sound) {
        sound = new Audio(link.href);
        sound.addEventListener("error", audioUnavailable);
      }
      sound.currentTime = 0;
      var playing = sound.play();
      if (playing && playing.catch) {
        playing.catch(function () {});  // reported by the error event above
      }
    });
  });

  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey) {
      return;
    }
    var target = event.target;
    if (target && /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName)) {
      return;
    }
    if (target && target.hasAttribute && target.hasAttribute("data-review-audio")) {
      return;  // Enter on "Listen" plays it
    }
    if (!shown() && (event.key === " " || event.key === "Enter")) {
      event.preventDefault();
      show();
    } else if (shown() && /^[1-4]$/.test(event.key)) {
      event.preventDefault();
      rate(event.key);
    }
  });
})();
