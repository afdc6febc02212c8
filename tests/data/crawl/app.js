// external script: URLs only reachable through JavaScript
const API = '/api/v2';
function load(id) {
  return fetch(`/api/items/${id}`).then(r => r.json());
}
var xhr = new XMLHttpRequest();
xhr.open("PUT", "/api/settings", true);
$.post('/comments/add', {text: 'hi'});
$.ajax({url: "/ajax/endpoint", type: "DELETE"});
axios.patch("/api/profile");
axios("/api/axios-default");
window.open('popup.html');
location.assign("/assigned");
const img = "https://cdn.example.com/lib.js";
const rel = "../up/one.php";
const plain = "report.aspx?id=3";
// noise that must not become URLs
const mime = "application/json", date = "12/31/2024", sep = "/", empty = "";
const re = /\/api\/(\d+)/;
const html = "<a href='/from-markup-in-js'>";  // markup built in JS: a real link
const dyn = `${base}/dynamic`;
fetch('/api/import', {method: 'POST', headers: {'Content-Type': 'application/xml'}, body: doc});
