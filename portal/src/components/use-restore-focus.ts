import { useEffect } from 'react';

/**
 * Dialogs here are mounted only while open, so several FormDialogs never sit in the page at once
 * (they would share the id "dialog-title"). Unmounting skips the native dialog's focus return, so
 * this puts focus back on the control that opened it.
 */
export function useRestoreFocus(): void {
  useEffect(() => {
    const opener = document.activeElement;
    return () => {
      if (opener instanceof HTMLElement && opener.isConnected) opener.focus();
    };
  }, []);
}
