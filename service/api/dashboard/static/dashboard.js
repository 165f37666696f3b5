// Trigger buttons: POST /projects/{project}/workflows/{kind}/runs with the API token, which is asked for once
// and kept in this tab's session storage only (never sent anywhere else, never stored by the page).
const TOKEN_KEY = "mlops-api-token";

function apiToken() {
  let token = sessionStorage.getItem(TOKEN_KEY);
  if (!token) {
    token = window.prompt("API token (kept in this browser tab only)");
    if (token) sessionStorage.setItem(TOKEN_KEY, token);
  }
  return token;
}

async function trigger(button) {
  const result = button.parentElement.querySelector(".trigger-result");
  const token = apiToken();
  if (!token) { result.textContent = "no token given"; return; }
  result.textContent = "triggering...";
  const { project, kind } = button.dataset;
  const response = await fetch(`/projects/${encodeURIComponent(project)}/workflows/${encodeURIComponent(kind)}/runs`, {
    method: "POST",
    headers: { "Authorization": `Bearer ${token}`, "Content-Type": "application/json" },
    body: JSON.stringify({ conf: {} }),
  });
  const answer = await response.json();
  if (response.status === 401) sessionStorage.removeItem(TOKEN_KEY);
  result.textContent = response.ok ? `triggered ${answer.dag_run_id} (${answer.state})` : `refused: ${answer.detail}`;
}

document.querySelectorAll("button.trigger").forEach((button) => button.addEventListener("click", () => trigger(button)));
document.getElementById("forget-token")?.addEventListener("click", () => sessionStorage.removeItem(TOKEN_KEY));
