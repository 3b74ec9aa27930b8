/**
 * Files from the BFF (settlement XLSX/CSV, audit CSV) with the signed-in person's token:
 * - H5: fetch with the Authorization header, then a Blob saved through a temporary <a download>
 *   under the name the server gives (Content-Disposition filename*, RFC 5987);
 * - WeChat: Taro.downloadFile (with the header) and Taro.openDocument to show or forward it
 *   (the mini-program opens xlsx/pdf/doc; other files stay in the download's temp path).
 * A refusal becomes the same ApiError as any other call.
 */
import Taro from '@tarojs/taro';
import { API_BASE, ApiError, getToken } from './client';

/** The file name of a Content-Disposition header: `filename*` (UTF-8) first, then `filename`. */
export function fileNameOf(disposition: string | null | undefined, fallback: string): string {
  if (!disposition) return fallback;
  const star = /filename\*=UTF-8''([^;]+)/i.exec(disposition);
  if (star) {
    try {
      return decodeURIComponent(star[1]);
    } catch {
      /* a malformed name: the plain one below */
    }
  }
  const plain = /filename="([^"]+)"/i.exec(disposition);
  return plain ? plain[1] : fallback;
}

async function refusal(status: number, text: string): Promise<ApiError> {
  try {
    const err = (JSON.parse(text) as { error?: { code?: string; message?: string } }).error;
    return new ApiError(status, err?.code ?? `HTTP_${status}`, err?.message ?? '下载失败，请稍后再试');
  } catch {
    return new ApiError(status, `HTTP_${status}`, '下载失败，请稍后再试');
  }
}

/** Downloads `path` (an /api/… URL) and saves or opens it; resolves with the file's name. */
export async function downloadFile(path: string, fallbackName: string): Promise<string> {
  const token = getToken();
  const header: Record<string, string> = token ? { Authorization: `Bearer ${token}` } : {};
  if (process.env.TARO_ENV === 'h5') {
    let res: Response;
    try {
      res = await fetch(`${API_BASE}${path}`, { headers: header });
    } catch {
      throw new ApiError(0, 'NETWORK_ERROR', '网络连接失败，请检查网络后再试');
    }
    if (!res.ok) throw await refusal(res.status, await res.text());
    const name = fileNameOf(res.headers.get('content-disposition'), fallbackName);
    const url = URL.createObjectURL(await res.blob());
    const a = document.createElement('a');
    a.href = url;
    a.download = name;
    a.style.display = 'none';
    document.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 60_000);
    return name;
  }
  const res = await Taro.downloadFile({ url: `${API_BASE}${path}`, header });
  if (res.statusCode !== 200)
    throw new ApiError(res.statusCode, `HTTP_${res.statusCode}`, '下载失败，请稍后再试');
  const ext = fallbackName.split('.').pop() ?? '';
  if (['xlsx', 'xls', 'pdf', 'doc', 'docx'].includes(ext))
    await Taro.openDocument({ filePath: res.tempFilePath, fileType: ext as 'xlsx', showMenu: true });
  return fallbackName;
}
