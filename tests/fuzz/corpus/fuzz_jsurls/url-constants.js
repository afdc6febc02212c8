const API = "/api/v2"; let B = x || "/b"; var c = {base: "/c"};
fetch(`${API}/u/${id}`); fetch(API + "/p?x=1", {method: "POST"}); axios.get(`${c.base}/h`);
