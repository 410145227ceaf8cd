// The chat page: plain JavaScript on the official socket.io client (vendor/socket.io.min.js).
// The server's events are described in ../chat.hpp. Element ids are stable: a browser test
// drives #nick, #room, #join, #leave, #message, #send and reads #messages, #users, #typing,
// #clock and #transport.
"use strict";

const $ = (id) => document.getElementById(id);
// Same origin by default; ?server=http://127.0.0.1:5000 while the page is served elsewhere.
const server = new URLSearchParams(location.search).get("server");
const socket = server ? io(server) : io();

let nick = null;         // the nick the server accepted
let currentRoom = null;  // the room the page shows
let typingTimer = null;
const typingNow = new Map();  // nick → timer that clears its notice

function line(parts, className) {
  const li = document.createElement("li");
  if (className) li.className = className;
  for (const [text, cls] of parts) {
    const span = document.createElement("span");
    if (cls) span.className = cls;
    span.textContent = text;  // never innerHTML: messages are other people's text
    li.appendChild(span);
  }
  $("messages").appendChild(li);
  li.scrollIntoView({ block: "end" });
}
const system = (text) => line([[text, null]], "system");

function setInRoom(room) {
  currentRoom = room;
  $("leave").disabled = !room;
  $("message").disabled = !room;
  $("send").disabled = !room;
  if (!room) $("users").replaceChildren();
}

// The transport in use: "polling" first, then "websocket" after the upgrade.
function showTransport() {
  $("transport").textContent = socket.io.engine ? socket.io.engine.transport.name : "none";
}
socket.on("connect", () => {
  showTransport();
  socket.io.engine.once("upgrade", showTransport);
});
socket.on("disconnect", (reason) => {
  $("transport").textContent = "disconnected";
  system(`disconnected: ${reason}`);
  nick = null;
  setInRoom(null);
});
socket.on("connect_error", (err) => system(`cannot connect: ${err.message}`));

socket.on("clock", ({ time }) => {
  $("clock").textContent = new Date(time).toLocaleTimeString();
});

socket.on("rooms", (rooms) => {
  const options = rooms.map(({ name, users }) => {
    const o = document.createElement("option");
    o.value = name;
    o.label = `${name} (${users})`;
    return o;
  });
  $("room-list").replaceChildren(...options);
});

socket.on("users", ({ room, users }) => {
  if (room !== currentRoom) return;
  $("users").replaceChildren(...users.map((u) => {
    const li = document.createElement("li");
    li.textContent = u;
    return li;
  }));
});

socket.on("chat", ({ room, nick: from, text, time }) => {
  if (room !== currentRoom) return;
  line([[new Date(time).toLocaleTimeString(), "time"], [from, "nick"], [text, "text"]]);
  clearTyping(from);
});

function renderTyping() {
  const names = [...typingNow.keys()];
  $("typing").textContent = names.length ? `${names.join(", ")} typing…` : "";
}
function clearTyping(who) {
  clearTimeout(typingNow.get(who));
  typingNow.delete(who);
  renderTyping();
}
socket.on("typing", ({ room, nick: who, typing }) => {
  if (room !== currentRoom) return;
  clearTimeout(typingNow.get(who));
  if (typing) {
    typingNow.set(who, setTimeout(() => clearTyping(who), 3000));  // in case "stopped" is lost
    renderTyping();
  } else {
    clearTyping(who);
  }
});

// Every request acks {ok, ...} or {ok: false, error}.
function request(event, ...args) {
  return new Promise((resolve) => socket.emit(event, ...args, resolve)).then((reply) => {
    if (!reply || !reply.ok) {
      system(`${event}: ${reply ? reply.error : "no answer"}`);
      return null;
    }
    return reply;
  });
}

$("join").addEventListener("click", async () => {
  const wanted = $("nick").value.trim();
  if (wanted !== nick) {
    const reply = await request("set_nick", wanted);
    if (!reply) return;
    nick = reply.nick;
  }
  const room = $("room").value.trim();
  if (currentRoom && currentRoom !== room) await request("leave", currentRoom);
  const reply = await request("join", room);
  if (!reply) return;
  setInRoom(reply.room);
  $("messages").replaceChildren();
  system(`joined ${reply.room} as ${nick}`);
  $("users").replaceChildren(...reply.users.map((u) => {
    const li = document.createElement("li");
    li.textContent = u;
    return li;
  }));
  $("message").focus();
});

$("leave").addEventListener("click", async () => {
  if (!currentRoom) return;
  const room = currentRoom;
  if (await request("leave", room)) {
    setInRoom(null);
    system(`left ${room}`);
  }
});

$("composer").addEventListener("submit", async (e) => {
  e.preventDefault();
  const text = $("message").value;
  if (!text || !currentRoom) return;
  $("message").value = "";
  stopTyping();
  await request("chat", currentRoom, text);
});

// Typing notices: "typing" true on the first key, false after 1.5 s without one (or on send).
function stopTyping() {
  if (!typingTimer) return;
  clearTimeout(typingTimer);
  typingTimer = null;
  socket.emit("typing", currentRoom, false);
}
$("message").addEventListener("input", () => {
  if (!currentRoom) return;
  if (!typingTimer) socket.emit("typing", currentRoom, true);
  clearTimeout(typingTimer);
  typingTimer = setTimeout(stopTyping, 1500);
});
