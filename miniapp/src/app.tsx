import './polyfills';
import { PropsWithChildren } from 'react';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import './app.scss';
import { noRetryOn4xx } from './api/profile';

const queryClient = new QueryClient({
  defaultOptions: {
    // a 4xx will not change on retry (set once here for every query)
    queries: { retry: noRetryOn4xx, staleTime: 30_000, refetchOnWindowFocus: false },
    mutations: { retry: false },
  },
});

function App({ children }: PropsWithChildren) {
  return <QueryClientProvider client={queryClient}>{children}</QueryClientProvider>;
}

export default App;
