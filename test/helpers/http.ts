import { request } from 'node:http';

/** A plain-HTTP GET for tests of the agent's loopback metadata endpoints; JSON body parsed. */
export function httpGet(url: string, headers: Record<string, string> = {}): Promise<{ status: number; json: any }> {
  return new Promise((resolve, reject) => {
    request(url, { headers, timeout: 5_000 }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, json: text ? JSON.parse(text) : undefined }));
    })
      .on('error', reject)
      .end();
  });
}
