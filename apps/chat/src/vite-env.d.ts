/// <reference types="vite/client" />

interface ImportMetaEnv {
  readonly NEXT_PUBLIC_API_URL?: string;
  readonly NEXT_PUBLIC_WS_URL?: string;
  readonly NEXT_PUBLIC_SOCKET_URL?: string;
  readonly NEXT_PUBLIC_SOCKET_PATH?: string;
  readonly NEXT_PUBLIC_ENABLE_SOCKET_IO?: string;
}
