import { useMessage } from '@switchboard/react';
import { useEffect, useState } from 'react';

/** What a backend pushes to `user:<id>` to tell one user something. */
interface Notice {
  type: 'notice';
  text: string;
}

/** Shows each `notice` pushed to the signed-in user for a few seconds. */
export function NoticeToast() {
  const [notice, setNotice] = useState<Notice>();
  useMessage<Notice>('notice', setNotice);
  useEffect(() => {
    if (!notice) return;
    const timer = setTimeout(() => setNotice(undefined), 6_000);
    return () => clearTimeout(timer);
  }, [notice]);
  if (!notice) return null;
  return (
    <div className="toast" data-testid="notice" role="status">
      {notice.text}
    </div>
  );
}
