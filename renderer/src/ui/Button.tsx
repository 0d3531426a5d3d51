import {forwardRef, type ButtonHTMLAttributes} from "react";
import {Icon, type IconName} from "./Icon.js";
import {Spinner} from "./Spinner.js";

type Variant = "primary" | "secondary" | "ghost" | "danger";

export interface ButtonProps extends ButtonHTMLAttributes<HTMLButtonElement> {
  variant?: Variant;
  size?: "sm" | "md";
  icon?: IconName;
  busy?: boolean;
}

export const Button = forwardRef<HTMLButtonElement, ButtonProps>(function Button(
  {variant = "secondary", size = "md", icon, busy = false, className, children, disabled, type = "button", ...rest},
  ref,
) {
  const classes = ["btn", `btn-${variant}`, size === "sm" ? "btn-sm" : "", className ?? ""].filter(Boolean).join(" ");
  return (
    <button ref={ref} type={type} className={classes} disabled={disabled || busy} aria-busy={busy || undefined} {...rest}>
      {busy ? <Spinner size={size === "sm" ? 12 : 14} /> : icon ? <Icon name={icon} size={size === "sm" ? 14 : 16} /> : null}
      {children}
    </button>
  );
});

export interface IconButtonProps extends ButtonHTMLAttributes<HTMLButtonElement> {
  icon: IconName;
  /** Spoken name and tooltip; icon-only buttons always need one. */
  label: string;
  variant?: "ghost" | "secondary" | "primary" | "danger";
  size?: "sm" | "md";
  pressed?: boolean;
}

export const IconButton = forwardRef<HTMLButtonElement, IconButtonProps>(function IconButton(
  {icon, label, variant = "ghost", size = "md", pressed, className, type = "button", ...rest},
  ref,
) {
  const classes = ["icon-btn", `btn-${variant}`, size === "sm" ? "icon-btn-sm" : "", className ?? ""].filter(Boolean).join(" ");
  return (
    <button ref={ref} type={type} className={classes} aria-label={label} title={label} aria-pressed={pressed} {...rest}>
      <Icon name={icon} size={size === "sm" ? 14 : 16} />
    </button>
  );
});
