// The staff's chat console: one WebSocket, several chats joined at once, canned responses inserted.
(function () {
  "use strict";
  var root = document.getElementById("chat-console");
  if (!root) { return; }
  var panes = document.getElementById("chat-panes");
  var template = document.getElementById("chat-pane-template");
  var status = document.getElementById("console-status");
  var duty = document.getElementById("duty-toggle");
  var scheme = window.location.protocol === "https:" ? "wss://" : "ws://";
  var socket = new WebSocket(scheme + window.location.host + root.dataset.socket);
  var open = {};

  function send(frame) {
    if (socket.readyState !== WebSocket.OPEN) { status.textContent = root.dataset.disconnected; return; }
    socket.send(JSON.stringify(frame));
  }

  function line(pane, frame) {
    var list = pane.querySelector(".chat-transcript");
    var item = document.createElement("li");
    item.className = "chat-line" + (frame.from_staff ? " chat-line-staff" : "");
    var author = document.createElement("span");
    author.className = "chat-author";
    author.textContent = (frame.from_staff ? root.dataset.staff : root.dataset.learner) + " " + frame.author;
    var time = document.createElement("span");
    time.className = "chat-time";
    time.textContent = new Date(frame.sent_at).toTimeString().slice(0, 5);
    var body = document.createElement("p");
    body.className = "chat-body";
    body.textContent = frame.body;
    item.append(author, time, body);
    list.append(item);
    list.scrollTop = list.scrollHeight;
  }

  function pane(reference) {
    if (open[reference]) { return open[reference]; }
    var node = template.content.firstElementChild.cloneNode(true);
    node.dataset.chat = reference;
    node.querySelector(".chat-pane-title").textContent = reference;
    var form = node.querySelector(".chat-form");
    var text = form.querySelector("textarea");
    form.querySelector(".canned-select").addEventListener("change", function (event) {
      var source = document.querySelector('template.canned-text[data-canned="' + event.target.value + '"]');
      if (source) { text.value = (text.value ? text.value + "\n" : "") + source.content.textContent.trim(); }
      event.target.value = "";
      text.focus();
    });
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      send({ type: "message", chat: reference, body: text.value });
      text.value = "";
    });
    form.querySelector(".close-chat").addEventListener("click", function () { send({ type: "close", chat: reference }); });
    form.querySelector(".leave-chat").addEventListener("click", function () {
      send({ type: "leave", chat: reference });
      node.remove();
      delete open[reference];
    });
    panes.append(node);
    open[reference] = node;
    return node;
  }

  function joinButton(button) {
    button.addEventListener("click", function () {
      send({ type: "join", chat: button.dataset.chat });
      button.closest("li").classList.remove("unread");
    });
  }

  // A chat opened while the console is open: listed at the end (the longest wait stays on top), unread.
  function listed(frame) {
    var list = document.getElementById("chat-open-list");
    if (!list) {
      list = document.createElement("ul");
      list.className = "chat-open-list";
      list.id = "chat-open-list";
      var none = document.getElementById("no-open-chat");
      if (none) { none.replaceWith(list); } else { status.before(list); }
    }
    if (list.querySelector('li[data-chat="' + frame.chat + '"]')) { return; }
    var item = document.createElement("li");
    item.dataset.chat = frame.chat;
    item.className = "unread";
    var button = document.createElement("button");
    button.type = "button";
    button.className = "button join-chat";
    button.dataset.chat = frame.chat;
    button.textContent = frame.chat;
    item.append(button, " " + frame.learner + " · " + frame.state);
    list.append(item);
    joinButton(button);
  }

  socket.addEventListener("message", function (event) {
    var frame = JSON.parse(event.data);
    if (frame.type === "joined") {
      var node = pane(frame.chat);
      node.querySelector(".chat-transcript").replaceChildren();
      frame.messages.forEach(function (message) { line(node, message); });
    } else if (frame.type === "message" && open[frame.chat]) {
      line(open[frame.chat], frame);
      open[frame.chat].querySelector(".chat-error").hidden = true;
    } else if (frame.type === "opened") {
      listed(frame);
    } else if (frame.type === "activity" && !open[frame.chat]) {
      var entry = document.querySelector('#chat-open-list li[data-chat="' + frame.chat + '"]');
      if (entry) { entry.classList.add("unread"); }
    } else if (frame.type === "error") {
      var target = frame.chat && open[frame.chat];
      status.textContent = frame.message;
      Object.keys(open).forEach(function (key) {
        var note = open[key].querySelector(".chat-error");
        note.textContent = frame.message;
        note.hidden = false;
      });
      if (target) { target.querySelector(".chat-error").hidden = false; }
    } else if (frame.type === "duty") {
      duty.checked = frame.on_duty;
    } else if (frame.type === "state" && open[frame.chat]) {
      open[frame.chat].querySelector(".chat-pane-title").textContent = frame.chat + " · " + frame.state;
    }
  });
  socket.addEventListener("close", function () { status.textContent = root.dataset.disconnected; });
  duty.addEventListener("change", function () { send({ type: "duty", on_duty: duty.checked }); });
  document.querySelectorAll(".join-chat").forEach(joinButton);
}());
