/**
 * Files from the BFF (settlement XLSX, audit CSV) with the signed-in person's token.
 * H5: fetched and saved as a download. WeChat: wx.downloadFile, then wx.openDocument shows it
 * (the mini-program opens xlsx/pdf/doc; other files stay in the download's temp path).
 */
import Taro from '@tarojs/taro';
import { API_BASE, ApiError, getToken } from './client';

async function errorOf(status: number, text: string): Promise<ApiError> {
  try {
    const err = (JSON.parse(text) as { error?: { code?: string; message?: string } }).error;
    return new ApiError(status, err?.code ?? `HTTP_${status}`, err?.message ?? '下载失败，请稍后再试');
  } catch {
    return new ApiError(status, `HTTP_${status}`, '下载失败，请稍后再试');
  }
}

export async function downloadFile(path: string, filename: string): Promise<void> {
  const token = getToken();
  const header: Record<string, string> = token ? { Authorization: `Bearer ${token}` } : {};
  if (process.env.TARO_ENV === 'h5') {
    let res: Response;
    try {
      res = await fetch(`${API_BASE}${path}`, { headers: header });
    } catch {
      throw new ApiError(0, 'NETWORK_ERROR', '网络连接失败，请检查网络后再试');
    }
    if (!res.ok) throw await errorOf(res.status, await res.text());
    const url = URL.createObjectURL(await res.blob());
    const a = document.createElement('a');
    a.href = url;
    a.download = filename;
    document.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 60_000);
    return;
  }
  const res = await Taro.downloadFile({ url: `${API_BASE}${path}`, header });
  if (res.statusCode !== 200)
    throw new ApiError(res.statusCode, `HTTP_${res.statusCode}`, '下载失败，请稍后再试');
  const ext = filename.split('.').pop() ?? '';
  if (['xlsx', 'xls', 'pdf', 'doc', 'docx'].includes(ext))
    await Taro.openDocument({ filePath: res.tempFilePath, fileType: ext as 'xlsx', showMenu: true });
}
