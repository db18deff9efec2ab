/** Hands this text to the browser as a file download named `fileName` (a temporary object URL behind a clicked link). */
export function downloadFile(text: string, type: string, fileName: string): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const anchor = document.createElement("a");
  anchor.href = url;
  anchor.download = fileName;
  document.body.append(anchor);
  anchor.click();
  anchor.remove();
  // Some browsers read the URL after click() returns; it is released once the download has surely started.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
