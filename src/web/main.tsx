document.getElementById('root')!.textContent = 'Lenslet';
