import type {ReactNode} from "react";
import {Icon, type IconName} from "./Icon.js";

export function EmptyState({icon, title, children, actions}: {icon: IconName; title: string; children?: ReactNode; actions?: ReactNode}) {
  return (
    <div className="empty-state">
      <div className="empty-state-icon">
        <Icon name={icon} size={22} />
      </div>
      <h3>{title}</h3>
      {children && <p>{children}</p>}
      {actions && <div className="empty-state-actions">{actions}</div>}
    </div>
  );
}
