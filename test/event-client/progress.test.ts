import { formatProgressBar, formatProgressLine, Progress } from '../../event-client/progress';

describe('progress formatting', () => {
  it('draws a bar proportional to the work done', () => {
    expect(formatProgressBar(0, 10000, 0, 10)).toBe('[----------]   0%  0/10000  0 ev/s');
    expect(formatProgressBar(2500, 10000, 1234.4, 10)).toBe('[###-------]  25%  2500/10000  1234 ev/s');
    expect(formatProgressBar(10000, 10000, 5000, 10)).toBe('[##########] 100%  10000/10000  5000 ev/s');
  });

  it('writes a plain line for logs', () => {
    expect(formatProgressLine(5000, 10000, 812.6)).toBe('emit: 5000/10000 events (50%), 813 ev/s');
  });
});

describe('Progress', () => {
  function stream(isTTY: boolean) {
    const writes: string[] = [];
    return { writes, stream: { isTTY, write: (text: string) => writes.push(text) } };
  }

  it('redraws in place on a terminal at most every 100 ms, then ends the line', () => {
    let now = 0;
    const tty = stream(true);
    const progress = new Progress(1000, tty.stream, () => now);
    now = 50;
    progress.update(100);
    now = 120;
    progress.update(200); // within 100 ms of the previous draw: skipped
    now = 200;
    progress.update(400);
    progress.finish(1000);
    expect(tty.writes).toEqual([
      '\r[###---------------------------]  10%  100/1000  2000 ev/s',
      '\r[############------------------]  40%  400/1000  2000 ev/s',
      '\r[##############################] 100%  1000/1000  5000 ev/s',
      '\n',
    ]);
  });

  it('writes a line every 2 s to a non-terminal, and nothing for short runs', () => {
    let now = 0;
    const log = stream(false);
    const progress = new Progress(1000, log.stream, () => now);
    now = 1500;
    progress.update(300);
    now = 2500;
    progress.update(500);
    now = 3000;
    progress.update(600);
    progress.finish(1000);
    expect(log.writes).toEqual(['emit: 500/1000 events (50%), 200 ev/s\n']);
  });
});
