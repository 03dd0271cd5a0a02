// The conversation page without reloads: send a turn with fetch and show the reply in the
// chat list (aria-live). A scripted reply comes with the turn's answer; a reply a language
// model phrases is streamed over server-sent events. Without JavaScript the same form
// posts normally and the page reloads; nothing here is required.
(function () {
  "use strict";

  function csrfToken() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.content : "";
  }

  function bubble(chat, who, text, learner) {
    var li = document.createElement("li");
    if (learner) { li.className = "learner"; }
    var name = document.createElement("span");
    name.className = "who";
    name.textContent = who;
    var body = document.createElement("span");
    body.textContent = text;
    li.appendChild(name);
    li.appendChild(body);
    chat.appendChild(li);
    return body;
  }

  function init() {
    var form = document.getElementById("turn-form");
    var chat = document.getElementById("chat");
    if (!form || !chat || !window.fetch || !window.EventSource) { return; }
    var textarea = document.getElementById("turn-text");
    var button = document.getElementById("send");
    var error = document.getElementById("turn-error");
    var status = document.getElementById("turn-status");
    var finished = document.getElementById("finished");
    var persona = chat.querySelector("li .who");
    var personaName = persona ? persona.textContent : "Them";

    function busy(on) {
      textarea.readOnly = on;
      button.disabled = on;
      status.textContent = on ? personaName + " is replying…" : "";
    }

    function showError(message) {
      error.textContent = message;
      error.hidden = false;
      busy(false);
      textarea.focus();
    }

    function updateState(state) {
      var meter = document.querySelector('[data-state="trust"]');
      var text = document.querySelector('[data-state-text="trust"]');
      if (meter && typeof state.trust === "number") {
        meter.value = state.trust;
        meter.textContent = Math.round(state.trust * 100) + "%";
        if (text) { text.textContent = Math.round(state.trust * 100) + "%"; }
      }
    }

    function stream(url, done) {
      var target = bubble(chat, personaName, "", false);
      var source = new EventSource(url);
      source.addEventListener("token", function (event) {
        target.textContent += JSON.parse(event.data);
      });
      source.addEventListener("replace", function (event) {
        // A language-model reply failed a check: show the scripted line that was kept.
        target.textContent = JSON.parse(event.data);
      });
      source.addEventListener("state", function (event) {
        updateState(JSON.parse(event.data));
      });
      source.addEventListener("done", function (event) {
        source.close();
        done(JSON.parse(event.data));
      });
      source.onerror = function () {
        source.close();
        showError("The reply was interrupted. Reload the page to see it.");
      };
    }

    var endForm = document.getElementById("end-form");
    var turnsLeft = document.getElementById("turns-left");

    function showTurnsLeft(left) {
      if (!turnsLeft || typeof left !== "number") { return; }
      var more = left === 1 ? "1 more turn" : left + " more turns";
      if (left <= 2) {
        turnsLeft.className = "notice";
        turnsLeft.textContent = personaName + " has time for " + more +
          ": start bringing the conversation to a close.";
      } else {
        turnsLeft.textContent = personaName + " has time for about " + more + " (" +
          turnsLeft.getAttribute("data-max") + " in all).";
      }
    }

    textarea.addEventListener("keydown", function (event) {
      // Enter or Ctrl/Cmd+Enter sends; Shift+Enter keeps a new line; IME composition is left alone.
      if (event.key !== "Enter" || event.shiftKey || event.isComposing) { return; }
      event.preventDefault();
      if (!button.disabled) { form.requestSubmit ? form.requestSubmit() : button.click(); }
    });

    form.addEventListener("submit", function (event) {
      event.preventDefault();
      if (!textarea.value.trim()) { showError("Write what you would say before sending."); return; }
      error.hidden = true;
      busy(true);
      fetch(form.action, {
        method: "POST",
        credentials: "same-origin",
        headers: { "X-CSRF-Token": csrfToken(), "Accept": "application/json" },
        body: new URLSearchParams({ text: textarea.value })
      }).then(function (response) {
        return response.json().catch(function () { return {}; }).then(function (data) {
          if (!response.ok) {
            showError(data.detail || "Sending failed (" + response.status + "). Your text is still here.");
            return;
          }
          bubble(chat, "You", data.learner, true);
          textarea.value = "";
          showTurnsLeft(data.turns_left);
          var done = function (end) {
            busy(false);
            if (end.finished) {
              form.hidden = true;
              if (endForm) { endForm.hidden = true; }
              if (turnsLeft) { turnsLeft.hidden = true; }
              finished.hidden = false;
              document.getElementById("debrief-link").focus();
            } else {
              textarea.focus();
            }
          };
          if (typeof data.reply === "string") {
            // a scripted reply, whole: the same words, state and end the stream would send
            bubble(chat, personaName, data.reply, false);
            if (data.state) { updateState(data.state); }
            done({ finished: data.finished, debrief: data.debrief });
          } else {
            stream(data.stream, done);
          }
        });
      }).catch(function () {
        showError("Could not reach the server. Your text is still here; try again.");
      });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
}());
