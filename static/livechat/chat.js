// The learner's chat page: one WebSocket to the chat, messages shown as they are stored.
(function () {
  "use strict";
  var form = document.getElementById("chat-form");
  if (!form) { return; }
  var transcript = document.getElementById("chat-transcript");
  var input = document.getElementById("chat-input");
  var error = document.getElementById("chat-error");
  var scheme = window.location.protocol === "https:" ? "wss://" : "ws://";
  var socket = new WebSocket(scheme + window.location.host + form.dataset.socket);

  function line(frame) {
    var item = document.createElement("li");
    item.className = "chat-line" + (frame.from_staff ? " chat-line-staff" : "");
    var author = document.createElement("span");
    author.className = "chat-author";
    author.textContent = frame.from_staff ? form.dataset.staff : form.dataset.me;
    var time = document.createElement("span");
    time.className = "chat-time";
    time.textContent = new Date(frame.sent_at).toTimeString().slice(0, 5);
    var body = document.createElement("p");
    body.className = "chat-body";
    body.textContent = frame.body;
    item.append(author, time, body);
    transcript.append(item);
    transcript.scrollTop = transcript.scrollHeight;
  }

  socket.addEventListener("message", function (event) {
    var frame = JSON.parse(event.data);
    if (frame.type === "message") { error.textContent = ""; line(frame); }
    else if (frame.type === "error") { error.textContent = frame.message; }
    else if (frame.type === "state" && frame.state === "closed") { window.location.reload(); }
  });
  socket.addEventListener("close", function () { error.textContent = form.dataset.disconnected; });
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    if (socket.readyState !== WebSocket.OPEN) { error.textContent = form.dataset.disconnected; return; }
    socket.send(JSON.stringify({ type: "message", body: input.value }));
    input.value = "";
    input.focus();
  });
}());
