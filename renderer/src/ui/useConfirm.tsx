import {useCallback, useRef, useState, type ReactNode} from "react";
import {Button} from "./Button.js";
import {Dialog} from "./Dialog.js";

interface ConfirmOptions {
  title: string;
  message: ReactNode;
  confirmLabel: string;
  danger?: boolean;
}

/** `await confirm({...})` resolves true or false; render `dialog` somewhere in the component. */
export function useConfirm(): [(options: ConfirmOptions) => Promise<boolean>, ReactNode] {
  const [options, setOptions] = useState<ConfirmOptions | null>(null);
  const resolver = useRef<((answer: boolean) => void) | null>(null);

  const confirm = useCallback((next: ConfirmOptions) => {
    setOptions(next);
    return new Promise<boolean>((resolve) => {
      resolver.current = resolve;
    });
  }, []);

  function answer(value: boolean) {
    resolver.current?.(value);
    resolver.current = null;
    setOptions(null);
  }

  const dialog = options ? (
    <Dialog
      title={options.title}
      description={options.message}
      size="sm"
      onClose={() => answer(false)}
      footer={
        <>
          <Button onClick={() => answer(false)}>Cancel</Button>
          <Button variant={options.danger ? "danger" : "primary"} onClick={() => answer(true)} data-autofocus>
            {options.confirmLabel}
          </Button>
        </>
      }
    />
  ) : null;

  return [confirm, dialog];
}
