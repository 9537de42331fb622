import { useEffect, useState } from 'preact/hooks';

/**
 * The current time, re-rendering the caller on every whole second (and a bit
 * more often near deadlines would add nothing: countdowns show seconds).
 */
export function useNow(periodMs = 1000): number {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout>;
    const tick = () => {
      setNow(Date.now());
      timer = setTimeout(tick, periodMs - (Date.now() % periodMs) + 5);
    };
    timer = setTimeout(tick, periodMs - (Date.now() % periodMs) + 5);
    return () => clearTimeout(timer);
  }, [periodMs]);
  return now;
}
