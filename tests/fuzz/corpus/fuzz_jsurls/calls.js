var api = "/api/v1/items"; fetch('/api/users/' + id); $.post("/ajax/save", {a: 1});
axios.get(`/api/items/${id}/detail`); xhr.open("PUT", "/api/put"); location.href = "/go?x=1";
window.open('https://127.0.0.1:8080/popup'); const s = JSON.stringify({user: u, pass: p});
