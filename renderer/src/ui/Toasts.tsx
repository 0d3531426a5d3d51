import {createContext, useCallback, useContext, useMemo, useRef, useState, type ReactNode} from "react";
import {IconButton} from "./Button.js";
import {Icon} from "./Icon.js";

type ToastTone = "info" | "success" | "warning" | "error";
interface Toast {
  id: number;
  tone: ToastTone;
  message: string;
  code?: string;
}

interface ToastApi {
  notify(message: string, options?: {tone?: ToastTone; code?: string}): void;
}

const ToastContext = createContext<ToastApi>({notify: () => undefined});

export function useToast(): ToastApi {
  return useContext(ToastContext);
}

const LIFETIME_MS = {info: 3500, success: 2500, warning: 7000, error: 9000} satisfies Record<ToastTone, number>;

/** Short confirmations ("Copied") and errors that have no better place on screen. */
export function ToastProvider({children}: {children: ReactNode}) {
  const [toasts, setToasts] = useState<Toast[]>([]);
  const nextId = useRef(1);

  const dismiss = useCallback((id: number) => setToasts((list) => list.filter((toast) => toast.id !== id)), []);

  const api = useMemo<ToastApi>(
    () => ({
      notify(message, {tone = "info", code} = {}) {
        const id = nextId.current++;
        setToasts((list) => [...list.slice(-3), {id, tone, message, code}]);
        setTimeout(() => dismiss(id), LIFETIME_MS[tone]);
      },
    }),
    [dismiss],
  );

  return (
    <ToastContext.Provider value={api}>
      {children}
      <div className="toasts" aria-live="polite" aria-relevant="additions">
        {toasts.map((toast) => (
          <div key={toast.id} className={`toast toast-${toast.tone}`} role={toast.tone === "error" ? "alert" : "status"} data-code={toast.code}>
            <Icon name={toast.tone === "success" ? "check" : toast.tone === "info" ? "info" : "warning"} size={16} />
            <span>{toast.message}</span>
            <IconButton icon="close" label="Dismiss notification" size="sm" onClick={() => dismiss(toast.id)} />
          </div>
        ))}
      </div>
    </ToastContext.Provider>
  );
}
