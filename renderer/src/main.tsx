import {StrictMode} from "react";
import {createRoot} from "react-dom/client";
import {connectToDesktop, connectToServer, findBrowserToken} from "./client/connect.js";
import {App} from "./shell/App.js";
import "./styles/index.css";

const desktopClient = connectToDesktop();
const root = document.getElementById("root");
if (!root) throw new Error("index.html is missing #root");

createRoot(root).render(
  <StrictMode>
    <App desktopClient={desktopClient} initialToken={desktopClient ? null : findBrowserToken()} connect={connectToServer} />
  </StrictMode>,
);
