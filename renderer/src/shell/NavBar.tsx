import {Icon, LogoMark} from "../ui/Icon.js";
import {PANELS, type PanelId} from "./panels.js";

export function NavBar({active, onNavigate}: {active: PanelId; onNavigate: (panel: PanelId) => void}) {
  return (
    <nav className="nav" aria-label="Main">
      <div className="nav-brand">
        <LogoMark size={28} />
        <span className="nav-brand-name">Deskside</span>
      </div>
      <ul className="nav-list">
        {PANELS.map((panel) => (
          <li key={panel.id}>
            <button
              type="button"
              className="nav-item"
              aria-current={panel.id === active ? "page" : undefined}
              aria-label={panel.label}
              title={panel.label}
              onClick={() => onNavigate(panel.id)}
            >
              <Icon name={panel.icon} size={18} />
              <span className="nav-label">{panel.label}</span>
            </button>
          </li>
        ))}
      </ul>
    </nav>
  );
}
