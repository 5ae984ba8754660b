import './lib/zod-no-eval.js';
import { QueryClientProvider } from '@tanstack/react-query';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { createQueryClient } from './api/queries.js';
import { App } from './app/app.js';
import { AuthGate } from './app/auth-gate.js';
import { UserMenu } from './features/auth/user-menu.js';
import { InspectorPanel } from './features/inspector/inspector-panel.js';
import { SyncProvider } from './hooks/sync-context.js';
import { ToolbarSync } from './features/sync/toolbar-sync.js';

const queryClient = createQueryClient();

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <QueryClientProvider client={queryClient}>
      <AuthGate
        gallery={
          <SyncProvider>
            <App
              inspector={InspectorPanel}
              toolbarRight={
                <>
                  <ToolbarSync />
                  <UserMenu />
                </>
              }
            />
          </SyncProvider>
        }
      />
    </QueryClientProvider>
  </StrictMode>,
);
